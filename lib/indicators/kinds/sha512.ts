export { sha512 } from './hashes';
