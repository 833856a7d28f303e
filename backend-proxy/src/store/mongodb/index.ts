export { openMongoStore, type MongoStoreOptions } from './mongoStore';
