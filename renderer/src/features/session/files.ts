/** Saving and reading session files in the browser (the desktop app adds native dialogs itself). */
import type { SessionFileContent } from '../../../../shared/api.ts';

export function downloadFile(file: SessionFileContent): void {
  const type = file.fileName.endsWith('.har') ? 'application/json' : 'application/x-ndjson';
  const url = URL.createObjectURL(new Blob([file.text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}

export async function readFile(file: File): Promise<SessionFileContent> {
  return { fileName: file.name, text: await file.text() };
}
