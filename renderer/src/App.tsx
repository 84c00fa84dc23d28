/** Placeholder shell page; the inspector UI is built by its own issue. */
export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>Telltale</h1>
      <p>WebSocket and Server-Sent Events inspector. The timeline arrives with the UI issue.</p>
    </main>
  );
}
