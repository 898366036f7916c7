import { Type, type Static } from "@sinclair/typebox";
import { DeviceDataType } from "../enums/device-data-type.ts";
import { list, optionalNullable, ref, str, subObject, timestamp } from "../typebox.ts";

const dataProvided = () => optionalNullable(Type.Array(ref(DeviceDataType.schema)));

// Terra documents no format for it, and providers fill it as they please: any text is accepted.
const lastUploadDate = () => str();

export const OtherDeviceDataSchema = subObject("OtherDeviceData", {
  manufacturer: str(),
  hardware_version: str(),
  serial_number: str(),
  name: str(),
  software_version: str(),
  data_provided: dataProvided(),
  last_upload_date: lastUploadDate(),
});
export type OtherDeviceData = Static<typeof OtherDeviceDataSchema>;

/** The recording device; `name` may be an app or package name rather than hardware. */
export const DeviceDataSchema = subObject("DeviceData", {
  activation_timestamp: timestamp(),
  data_provided: dataProvided(),
  hardware_version: str(),
  last_upload_date: lastUploadDate(),
  manufacturer: str(),
  name: str(),
  other_devices: list(OtherDeviceDataSchema),
  serial_number: str(),
  software_version: str(),
});
export type DeviceData = Static<typeof DeviceDataSchema>;
