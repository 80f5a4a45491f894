// The shown profile's (and its companion's) tables as CSV and JSON, at
// /data/<profile>/<experiment>/<table>.<csv|json> (src/lib/table-export.ts).
import type { APIRoute, GetStaticPaths } from 'astro';
import type { ResultArtifact } from '../../../experiments/artifacts/schema.ts';
import { getArtifact, getCompanionArtifact, listExperiments } from '../../lib/artifacts.ts';
import { exportedTables, toCsv } from '../../lib/table-export.ts';

export const getStaticPaths: GetStaticPaths = async () => {
  const paths: { params: { path: string }; props: { body: string; type: string } }[] = [];
  for (const { id } of await listExperiments()) {
    for (const artifact of [await getArtifact(id), await getCompanionArtifact(id)]) {
      if (!artifact) continue;
      const a = artifact as ResultArtifact;
      for (const [table, rows] of exportedTables(a)) {
        const base = `${a.provenance.profile}/${id}/${table}`;
        paths.push({ params: { path: `${base}.csv` }, props: { body: toCsv(rows), type: 'text/csv; charset=utf-8' } });
        paths.push({ params: { path: `${base}.json` }, props: { body: `${JSON.stringify(rows)}\n`, type: 'application/json' } });
      }
    }
  }
  return paths;
};

export const GET: APIRoute = ({ props }) => new Response(props.body as string, { headers: { 'Content-Type': props.type as string } });
