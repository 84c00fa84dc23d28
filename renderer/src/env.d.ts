// Vite bundles CSS files imported from TypeScript into the page.'s stylesheet.
declare module '*.css';
