import pg from "pg";

/**
 * Workaround for prisma/orm#27403: the WASM schema engine used by `prisma migrate` with a
 * driver adapter cannot decode Postgres' internal catalog types (`name`, `"char"`, `regclass`, ...)
 * that its introspection queries return. They all have a text representation, so we report
 * them to Prisma as `text` (or `text[]`) before the adapter looks at the column types.
 * Only the migrate CLI needs this (prisma.config.ts); the app never reads catalog columns.
 */
const TEXT_OID = 25;
const TEXT_ARRAY_OID = 1009;

const CATALOG_SCALARS = new Set([
  18, // "char"
  19, // name
  22, // int2vector
  24, // regproc
  27, // tid
  28, // xid
  29, // cid
  30, // oidvector
  194, // pg_node_tree
  1033, // aclitem
  2205, // regclass
  2206, // regtype
  3220, // pg_lsn
  3361, // pg_ndistinct
  3402, // pg_dependencies
  5017, // pg_mcv_list
]);
const CATALOG_ARRAYS = new Set([
  1002, // "char"[]
  1003, // name[]
  1006, // int2vector[]
  1008, // regproc[]
  1010, // tid[]
  1011, // xid[]
  1012, // cid[]
  1013, // oidvector[]
  1034, // aclitem[]
  2210, // regclass[]
  2211, // regtype[]
]);

type FieldDescription = { dataTypeID: number };
type ResultPrototype = { addFields(fields: FieldDescription[]): void };

let installed = false;

export function mapCatalogTypesToText(): void {
  if (installed) return;
  installed = true;
  const resultPrototype = (pg as unknown as { Result: { prototype: ResultPrototype } }).Result.prototype;
  const original = resultPrototype.addFields;
  resultPrototype.addFields = function addFields(fields: FieldDescription[]) {
    for (const field of fields) {
      if (CATALOG_SCALARS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
      else if (CATALOG_ARRAYS.has(field.dataTypeID)) field.dataTypeID = TEXT_ARRAY_OID;
    }
    original.call(this, fields);
  };
}
