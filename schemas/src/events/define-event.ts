import { Type, type TObject, type TProperties } from "@sinclair/typebox";
import { eventDocumentId } from "../ids.ts";
import { TerraUserSchema } from "../objects/terra-user.ts";
import { optionalNullable, ref } from "../typebox.ts";
import { JSON_SCHEMA_DIALECT } from "../version.ts";

/** A registered webhook event schema; `title` is Terra's schema name (e.g. "DeauthEvent"). */
export function defineEvent<P extends TProperties>(title: string, slug: string, properties: P, description?: string): TObject<P> {
  return Type.Object(properties, {
    $schema: JSON_SCHEMA_DIALECT,
    $id: eventDocumentId(slug),
    title,
    ...(description === undefined ? {} : { description }),
  });
}

/** `user` as carried by events: a TerraUser, so `user_id` and `provider` are required. */
export const eventUser = () => ref(TerraUserSchema);

/** Every event may carry a free-form `status` unless its own schema pins it. */
export const looseStatus = () => optionalNullable(Type.String());
