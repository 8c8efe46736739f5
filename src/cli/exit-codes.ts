/** The one place error codes become CLI exit codes (STYLE.md §12). */
import type { GembaError } from '../domain/index.js';

/** 1: a bug; 2: bad input or rights (fix the command); 3: transient (retry). */
export function exitCode(error: GembaError): number {
  switch (error.kind) {
    case 'user':
      return 2;
    case 'operational':
      return 3;
    case 'unexpected':
      return 1;
  }
}
