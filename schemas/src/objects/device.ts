import { Type, type Static } from "@sinclair/typebox";
import { DeviceDataType } from "../enums/device-data-type.ts";
import { list, optionalNullable, ref, str, subObject } from "../typebox.ts";

const dataProvided = () => optionalNullable(Type.Array(ref(DeviceDataType.schema)));

// Terra documents no format for these (activation_timestamp has an ISO example, but an example is not a
// format), and providers fill them as they please: any text is accepted, as Terra's schemas accept it.
const freeTextDate = () => str();

export const OtherDeviceDataSchema = subObject("OtherDeviceData", {
  manufacturer: str(),
  hardware_version: str(),
  serial_number: str(),
  name: str(),
  software_version: str(),
  data_provided: dataProvided(),
  last_upload_date: freeTextDate(),
});
export type OtherDeviceData = Static<typeof OtherDeviceDataSchema>;

/** The recording device; `name` may be an app or package name rather than hardware. */
export const DeviceDataSchema = subObject("DeviceData", {
  activation_timestamp: freeTextDate(),
  data_provided: dataProvided(),
  hardware_version: str(),
  last_upload_date: freeTextDate(),
  manufacturer: str(),
  name: str(),
  other_devices: list(OtherDeviceDataSchema),
  serial_number: str(),
  software_version: str(),
});
export type DeviceData = Static<typeof DeviceDataSchema>;
