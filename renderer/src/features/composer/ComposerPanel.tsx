import { useTimelineData } from '../../app/data-context.ts';
import { useConnections } from '../../stores/connections.ts';
import { useUi } from '../../stores/ui.ts';
import { Composer } from './Composer.tsx';

let composerInput: HTMLTextAreaElement | null = null;

/** Focuses the message box (the `C` shortcut). */
export function focusComposer(): void {
  composerInput?.focus();
}

/** The composer wired to the selected connection and the api. */
export function ComposerPanel() {
  const data = useTimelineData();
  const selected = useUi((s) => s.selectedConnectionId);
  const target = useConnections((s) => (selected === null ? undefined : s.byId[selected]));
  const position = useConnections((s) => (selected === null ? -1 : s.order.indexOf(selected)));
  return (
    <Composer
      target={target}
      targetLabel={target ? `#${position + 1} ${target.url}` : ''}
      send={(connectionId, message) => data.api.sendMessage(connectionId, message)}
      inject={(connectionId, direction, message) =>
        data.api.injectMessage(connectionId, direction, message)
      }
      textareaRef={(element) => {
        composerInput = element;
      }}
    />
  );
}
