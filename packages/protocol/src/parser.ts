// Placeholder: the streaming response parser is implemented in issue 2 (see types.ts for Frame).
export {};
