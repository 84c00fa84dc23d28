export { mqttDissector } from './mqtt.ts';
export { parseMqttPacket, splitMqttPacket, MQTT_TYPES } from './mqtt-packet.ts';
export type { MqttFrame } from './mqtt-packet.ts';
