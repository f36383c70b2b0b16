import { createContext, type ReactNode, useContext } from 'react';

export interface EvidenceNavigation {
  /** Evidence ids of the run on screen: a citation to anything else is shown as unresolved. */
  known: ReadonlySet<string>;
  /** Opens the evidence item, scrolls to it and moves focus there. */
  reveal: (evidenceId: string) => void;
}

export const EvidenceNavigationContext = createContext<EvidenceNavigation>({
  known: new Set(),
  reveal: () => undefined,
});

const citationPattern = /\[(E[^\]]*)\]/g;

/** Evidence element id for an evidence id, shared by the cards and the citation links. */
export const evidenceAnchor = (evidenceId: string) => `evidence-${evidenceId}`;

/** Text whose `[E3]` and `[E3, E7]` citations become links that open the evidence item they name. */
export function CitedText({ text }: { text: string }) {
  const navigation = useContext(EvidenceNavigationContext);
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(citationPattern)) {
    const start = match.index ?? 0;
    if (start > last) parts.push(text.slice(last, start));
    const ids = (match[1] ?? '').split(',').map((id) => id.trim());
    parts.push(
      <span key={start} className="whitespace-nowrap">
        [
        {ids.map((id, index) => (
          <span key={id}>
            {index > 0 ? ', ' : null}
            <CitationLink id={id} navigation={navigation} />
          </span>
        ))}
        ]
      </span>,
    );
    last = start + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}

/** Chips for a claim's evidence ids (for claims whose text does not cite inline). */
export function CitationList({ ids }: { ids: string[] }) {
  const navigation = useContext(EvidenceNavigationContext);
  if (ids.length === 0) return null;
  return (
    <span className="muted text-xs">
      evidence:{' '}
      {ids.map((id, index) => (
        <span key={id}>
          {index > 0 ? ', ' : null}
          <CitationLink id={id} navigation={navigation} />
        </span>
      ))}
    </span>
  );
}

function CitationLink({ id, navigation }: { id: string; navigation: EvidenceNavigation }) {
  if (!navigation.known.has(id)) {
    return (
      <span className="text-red-700 line-through dark:text-red-400" title="No stored evidence has this id">
        {id}
      </span>
    );
  }
  return (
    <a
      href={`#${evidenceAnchor(id)}`}
      data-citation={id}
      className="font-mono text-[0.92em] font-semibold text-sky-700 underline decoration-dotted underline-offset-2 hover:decoration-solid dark:text-sky-400"
      onClick={(event) => {
        event.preventDefault();
        navigation.reveal(id);
      }}
    >
      <span className="sr-only">evidence </span>
      {id}
    </a>
  );
}
