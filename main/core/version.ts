import packageJson from '../../package.json' with { type: 'json' };

export const telltaleVersion: string = packageJson.version;
