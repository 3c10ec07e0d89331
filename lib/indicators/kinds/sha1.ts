export { sha1 } from './hashes';
