import { expectTypeOf, it } from 'vitest';
import type { Activity, Athlete, DataEvent, DataType, EventType, Model, SleepEvent, TerraUser, WebhookEvent } from '../src/index.ts';

// Compile-time checks (tsc): the TS types come from the same TypeBox definitions as the schemas.
it('webhook events narrow on `type`', () => {
  const describe = (event: WebhookEvent): string => {
    switch (event.type) {
      case 'activity':
        expectTypeOf(event.data).toEqualTypeOf<Activity[]>();
        return event.data[0]?.metadata.summary_id ?? '';
      case 'athlete':
        expectTypeOf(event.athlete).toEqualTypeOf<Athlete>();
        return event.user.user_id;
      case 'auth':
        expectTypeOf(event.status).toEqualTypeOf<'success' | 'error'>();
        return event.status === 'success' ? event.user.provider : event.reason;
      case 's3_payload':
      case 's3_upload':
        return event.url;
      default:
        return event.type;
    }
  };
  expectTypeOf(describe).returns.toEqualTypeOf<string>();
  expectTypeOf<WebhookEvent['type']>().toEqualTypeOf<EventType>();
  expectTypeOf<DataEvent<'sleep'>>().toEqualTypeOf<SleepEvent>();
  expectTypeOf<Model<'activity'>>().toEqualTypeOf<Activity>();
  expectTypeOf<DataEvent['type']>().toEqualTypeOf<DataType>();
  expectTypeOf<TerraUser['user_id']>().toEqualTypeOf<string>();
  expectTypeOf<TerraUser['scopes']>().toEqualTypeOf<string | null | undefined>();
});
