/**
 * @peculiar/x509 resolves its algorithm providers with tsyringe, which refuses to load unless
 * `Reflect.getMetadata` exists (the reflect-metadata polyfill). It only needs the metadata
 * store itself, so this minimal one is installed when no polyfill is present. (Adding
 * reflect-metadata as a dependency would make this file unnecessary.)
 */
type MetadataTarget = object;

interface ReflectWithMetadata {
  getMetadata?: unknown;
  defineMetadata?: unknown;
  hasMetadata?: unknown;
  getOwnMetadata?: unknown;
  metadata?: unknown;
}

const store = new WeakMap<
  MetadataTarget,
  Map<string | symbol | undefined, Map<unknown, unknown>>
>();

function table(target: MetadataTarget, property: string | symbol | undefined, create: boolean) {
  let byProperty = store.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let entries = byProperty.get(property);
  if (!entries && create) {
    entries = new Map();
    byProperty.set(property, entries);
  }
  return entries;
}

function getOwnMetadata(key: unknown, target: MetadataTarget, property?: string | symbol): unknown {
  return table(target, property, false)?.get(key);
}

function getMetadata(key: unknown, target: MetadataTarget, property?: string | symbol): unknown {
  for (
    let t: MetadataTarget | null = target;
    t;
    t = Object.getPrototypeOf(t) as MetadataTarget | null
  ) {
    const found = table(t, property, false);
    if (found?.has(key)) return found.get(key);
  }
  return undefined;
}

const reflect = Reflect as unknown as ReflectWithMetadata;
if (typeof reflect.getMetadata !== 'function') {
  Object.assign(Reflect, {
    getOwnMetadata,
    getMetadata,
    hasMetadata: (key: unknown, target: MetadataTarget, property?: string | symbol) =>
      getMetadata(key, target, property) !== undefined,
    defineMetadata(
      key: unknown,
      value: unknown,
      target: MetadataTarget,
      property?: string | symbol,
    ) {
      table(target, property, true)?.set(key, value);
    },
    metadata:
      (key: unknown, value: unknown) =>
      (target: MetadataTarget, property?: string | symbol): void => {
        table(target, property, true)?.set(key, value);
      },
  });
}
