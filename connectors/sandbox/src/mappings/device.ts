import type { DeviceData, DeviceDataType, OtherDeviceData } from "@tributary/schemas";
import type { SandboxDevice } from "../provider/records.ts";

export function mapDevice(device: SandboxDevice, provided: DeviceDataType[], others: SandboxDevice[] = []): DeviceData {
  const base = mapOtherDevice(device, provided);
  return {
    name: base.name,
    manufacturer: base.manufacturer,
    serial_number: base.serial_number,
    hardware_version: base.hardware_version,
    software_version: base.software_version,
    data_provided: provided,
    ...(others.length > 0 ? { other_devices: others.map((other) => mapOtherDevice(other, [])) } : {}),
  };
}

function mapOtherDevice(device: SandboxDevice, provided: DeviceDataType[]): OtherDeviceData {
  return {
    name: device.model,
    manufacturer: device.maker,
    serial_number: device.serial,
    hardware_version: device.hardwareRevision,
    software_version: device.firmware,
    data_provided: provided,
  };
}
