// A rehype plugin for the write-ups: every h2 and h3 gets a permalink after its
// text that links to the heading's own id (Astro's ids, the ones the table of
// contents uses), so a reader can cite a section by URL. The link has no text
// of its own (CSS draws the "#", the label names it), so the heading's text,
// which Astro also collects for the table of contents, stays as written.
interface HastNode {
  type: string;
  tagName?: string;
  properties?: Record<string, unknown>;
  children?: HastNode[];
  value?: string;
}

export function rehypeHeadingLinks() {
  return (tree: HastNode) => {
    const visit = (node: HastNode) => {
      if (node.type === 'element' && (node.tagName === 'h2' || node.tagName === 'h3') && typeof node.properties?.id === 'string') {
        const id = node.properties.id;
        node.children = [
          ...(node.children ?? []),
          {
            type: 'element',
            tagName: 'a',
            properties: { className: ['anchor'], href: `#${id}`, ariaLabel: 'Link to this section' },
            children: [],
          },
        ];
      }
      for (const child of node.children ?? []) visit(child);
    };
    visit(tree);
  };
}
