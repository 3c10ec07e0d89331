export { sha256 } from './hashes';
