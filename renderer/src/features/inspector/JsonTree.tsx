import { useState } from 'react';
import type { JsonPathSegment } from '../../../../shared/filter/index.ts';
import { formatJsonPath } from '../../../../shared/filter/index.ts';
import { copyText } from './clipboard.ts';

const childrenPerPage = 200;

export interface JsonTreeProps {
  value: unknown;
  /** Nodes shallower than this start expanded. */
  expandDepth?: number;
  /** Offered on leaves: filter the timeline by this path and value. */
  onFilter?: (path: string, value: string) => void;
}

/** JSON as a collapsible tree; every node can copy its path (`$.a[2]`) and its value. */
export function JsonTree(props: JsonTreeProps) {
  return (
    <div className="json-tree" role="tree" aria-label="JSON">
      <JsonNode
        name={null}
        value={props.value}
        path={[]}
        depth={0}
        expandDepth={props.expandDepth ?? 2}
        onFilter={props.onFilter}
      />
    </div>
  );
}

interface NodeProps {
  name: string | null;
  value: unknown;
  path: JsonPathSegment[];
  depth: number;
  expandDepth: number;
  onFilter: JsonTreeProps['onFilter'];
}

function JsonNode(props: NodeProps) {
  const { value } = props;
  const container = typeof value === 'object' && value !== null;
  const [open, setOpen] = useState(props.depth < props.expandDepth);
  const [limit, setLimit] = useState(childrenPerPage);
  const path = formatJsonPath(props.path);
  const entries: [string, unknown, JsonPathSegment][] = !container
    ? []
    : Array.isArray(value)
      ? value.map((item, index) => [String(index), item, { type: 'index', index }])
      : Object.entries(value).map(([key, item]) => [key, item, { type: 'key', key }]);

  const actions = (
    <span className="json-actions">
      <button type="button" title={`Copy path ${path}`} onClick={() => void copyText(path)}>
        path
      </button>
      <button
        type="button"
        title="Copy value"
        onClick={() =>
          void copyText(typeof value === 'string' ? value : JSON.stringify(value, null, 2))
        }
      >
        value
      </button>
      {!container && props.onFilter && props.path.length > 0 && (
        <button
          type="button"
          title="Filter the timeline by this value"
          onClick={() =>
            props.onFilter?.(path, typeof value === 'string' ? value : JSON.stringify(value))
          }
        >
          filter
        </button>
      )}
    </span>
  );

  const label = props.name === null ? null : <span className="json-key">{props.name}: </span>;

  if (!container) {
    return (
      <div className="json-node json-leaf" role="treeitem" aria-selected={false} data-path={path}>
        {label}
        <span className={`json-value json-${value === null ? 'null' : typeof value}`}>
          {JSON.stringify(value)}
        </span>
        {actions}
      </div>
    );
  }

  const brackets = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return (
    <div
      className="json-node"
      role="treeitem"
      aria-expanded={open}
      aria-selected={false}
      data-path={path}
    >
      <button
        type="button"
        className="json-toggle"
        aria-label={open ? `Collapse ${path}` : `Expand ${path}`}
        onClick={() => {
          setOpen(!open);
        }}
      >
        {open ? '▾' : '▸'}
      </button>
      {label}
      <span className="json-summary">
        {brackets[0]}
        {!open &&
          `${entries.length} ${Array.isArray(value) ? 'items' : 'keys'}${brackets[1] ?? ''}`}
      </span>
      {actions}
      {open && (
        <div className="json-children" role="group">
          {entries.slice(0, limit).map(([key, item, segment]) => (
            <JsonNode
              key={key}
              name={key}
              value={item}
              path={[...props.path, segment]}
              depth={props.depth + 1}
              expandDepth={props.expandDepth}
              onFilter={props.onFilter}
            />
          ))}
          {entries.length > limit && (
            <button
              type="button"
              onClick={() => {
                setLimit(limit + childrenPerPage * 5);
              }}
            >
              Show {Math.min(entries.length - limit, childrenPerPage * 5)} more of{' '}
              {entries.length - limit}
            </button>
          )}
          <span className="json-summary">{brackets[1]}</span>
        </div>
      )}
    </div>
  );
}
