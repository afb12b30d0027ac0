import { RawPipelineClient } from '../raw-pipeline-client.mjs';
import { pickValue } from './pick-value.mjs';

/** The naive pipelined baseline written in this package (see raw-pipeline-client.mjs). */
export const rawPipelineClient = {
  id: 'raw',
  packageName: undefined,
  displayName: 'raw-pipeline (baseline)',
  role: 'baseline',
  async open(server) {
    const client = new RawPipelineClient(server);
    return {
      get: (key) => client.get(key),
      set: (key, value) => client.set(key, value),
      getMulti: (keys) => client.getMulti(keys),
      pick: pickValue,
      emulatedMulti: false,
      close: () => client.close(),
    };
  },
};
