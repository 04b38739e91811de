export const DEVICE_CLASSES = ['desktop', 'mobile', 'tablet', 'bot', 'other'] as const;

export type DeviceClass = (typeof DEVICE_CLASSES)[number];
