export { md5 } from './hashes';
