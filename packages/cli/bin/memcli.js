#!/usr/bin/env node
// Committed (not built) so that installing a workspace that links memcli finds its bin before
// the first build; the program itself is dist/bin.js.
import '../dist/bin.js';
