/**
 * Documents that live outside the repository, which its files must never name: a reader on
 * npm or GitHub cannot follow them. Spelled in pieces so that this file does not name them.
 */
export const FOREIGN_DOCUMENTS: readonly string[] = ['API', 'PROTOCOL', 'STYLE']
  .map((name) => `${name}.md`)
  .concat([['..', 'shared'].join('/')]);
