import { useId, useRef } from 'react';
import { describeFilter, parseFilter } from '../../../../shared/filter/index.ts';

export interface FilterBoxProps {
  value: string;
  onChange(text: string): void;
  /** Matches in all, or null while no filter is active or the answer is pending. */
  matchCount: number | null;
  /** An error from main evaluating a filter that parsed. */
  queryError?: string | null;
  inputRef?: React.Ref<HTMLInputElement>;
}

/** The query box: parses as the user types, underlines errors where they are, counts matches. */
export function FilterBox(props: FilterBoxProps) {
  const id = useId();
  const fallbackRef = useRef<HTMLInputElement>(null);
  const text = props.value;
  const parsed = text.trim() === '' ? null : parseFilter(text);
  const error = parsed && !parsed.ok ? parsed.error : null;
  return (
    <div className="filter-box">
      <label htmlFor={id} className="visually-hidden">
        Filter
      </label>
      <input
        id={id}
        ref={props.inputRef ?? fallbackRef}
        type="search"
        className={error ? 'filter-input invalid' : 'filter-input'}
        placeholder="Filter: text, /regex/, dir:in, kind:text, size>1k, event:NAME, json:a.b=1 (AND/OR/NOT)"
        value={text}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={error !== null}
        aria-describedby={`${id}-hint`}
        onChange={(event) => {
          props.onChange(event.target.value);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            if (text !== '') props.onChange('');
            else event.currentTarget.blur();
            event.stopPropagation();
          }
        }}
      />
      <div id={`${id}-hint`} className="filter-hint" aria-live="polite">
        {error ? (
          <span className="filter-error" data-testid="filter-error">
            <code className="filter-echo">
              {text.slice(0, error.start)}
              <mark className="error-span">
                {text.slice(error.start, Math.max(error.end, error.start + 1)) || ' '}
              </mark>
              {text.slice(Math.max(error.end, error.start + 1))}
            </code>{' '}
            {error.message}
          </span>
        ) : parsed?.ok ? (
          <span className="filter-description">{describeFilter(parsed.filter)}</span>
        ) : null}
        {props.queryError && <span className="filter-error">{props.queryError}</span>}
      </div>
      {props.matchCount !== null && (
        <span className="match-count" data-testid="match-count">
          {props.matchCount.toLocaleString('en')} {props.matchCount === 1 ? 'match' : 'matches'}
        </span>
      )}
    </div>
  );
}
