export * from './corpus';
export * from './user-text';
export * from './windows';
export * from './kmeans';
export * from './pca';
export * from './features';
export * from './ccds';
