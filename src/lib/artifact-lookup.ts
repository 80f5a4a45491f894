// Lookups from the ids used in table rows to the labels readers see.
// Tables refer to masks and layers by id; the artifact's `masks` and `layers`
// lists carry the labels and the intended order.
import type { ResultArtifact } from '../../experiments/artifacts/schema.ts';
import { orderOfAppearance } from './stats.ts';

/**
 * Label of a mask. Ids may repeat across variants, so the variant is preferred
 * when known; tables without a variant column may name a mask "variant/id"
 * (as the masks file does for non-normal variants).
 */
export function maskLabel(artifact: ResultArtifact, id: string, variant?: string): string {
  const slash = id.indexOf('/');
  if (variant === undefined && slash > 0 && !artifact.masks.some((m) => m.id === id)) {
    return maskLabel(artifact, id.slice(slash + 1), id.slice(0, slash));
  }
  const exact = artifact.masks.find((m) => m.id === id && (variant === undefined || m.variant === variant));
  return (exact ?? artifact.masks.find((m) => m.id === id))?.label ?? id;
}

export function layerLabel(artifact: ResultArtifact, id: string): string {
  return artifact.layers.find((l) => l.id === id)?.label ?? id;
}

/** Layer ids present in `rows`, in the artifact's layer order (unknown ones last). */
export function layerOrder(artifact: ResultArtifact, rows: readonly { layer: string }[]): string[] {
  const present = orderOfAppearance(rows, (r) => r.layer);
  const known = artifact.layers.map((l) => l.id).filter((id) => present.includes(id));
  return [...known, ...present.filter((id) => !known.includes(id))];
}

/** Variants present in `rows`, in order of first appearance. */
export function variantsOf(rows: readonly { variant: string }[]): string[] {
  return orderOfAppearance(rows, (r) => r.variant);
}

/** The control mask: the first mask the writer listed (stage 0 of the method). */
export function controlMaskId(artifact: ResultArtifact): string | undefined {
  return artifact.masks[0]?.id;
}

/** Panel heading for a variant, or none when the artifact has only one variant. */
export function variantTitle(variant: string, variants: readonly string[]): string | null {
  return variants.length > 1 ? `Variant: ${variant}` : null;
}

/**
 * Short name of an experiment for the navigation: its write-up's title
 * ("SCAN"), else its artifact title up to the first colon, so a new experiment
 * appears in the navigation without edits to the layout.
 */
export function navLabel(artifactTitle: string, writeupTitle?: unknown): string {
  if (typeof writeupTitle === 'string' && writeupTitle.trim()) return writeupTitle.trim();
  return artifactTitle.split(':')[0].trim();
}
