// The dead-letter alarm's e-mail. In lambda mode the subscription's DeadLetterAlarm invokes the formatter
// itself (an alarm cannot publish to a topic under the AWS managed key), with CloudWatch's Lambda-action
// payload: `source: "aws.cloudwatch"`, `alarmArn`, `region` and `alarmData.state.value` / `.reason`
// (CloudWatch user guide, "Invoke a Lambda function from an alarm", Lambda action payload). An alarm going
// into ALARM becomes one e-mail saying that notifications were kept back and where; other transitions
// (back to OK) send nothing.
import { cleanLine, type Email, fitSubject } from './format.js';

export interface AlarmEvent {
  alarmArn: string;
  alarmName: string;
  region: string;
  state: string;
  reason: string;
}

/** The alarm event, when `event` is CloudWatch's Lambda-action payload; undefined for anything else. */
export function readAlarmEvent(event: unknown): AlarmEvent | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as Record<string, unknown>;
  if (e.source !== 'aws.cloudwatch' || typeof e.alarmData !== 'object' || e.alarmData === null) {
    return undefined;
  }
  const data = e.alarmData as Record<string, unknown>;
  const state = (typeof data.state === 'object' && data.state !== null ? data.state : {}) as Record<
    string,
    unknown
  >;
  const text = (v: unknown) => (typeof v === 'string' ? cleanLine(v) : '');
  return {
    alarmArn: text(e.alarmArn),
    alarmName: text(data.alarmName),
    region: text(e.region),
    state: text(state.value),
    reason: text(state.reason),
  };
}

/** The e-mail for an alarm that went into ALARM; undefined for OK and INSUFFICIENT_DATA. */
export function deadLetterAlarmEmail(
  alarm: AlarmEvent,
  deadLetterQueueUrl: string | undefined,
): Email | undefined {
  if (alarm.state !== 'ALARM') return undefined;
  const queue = deadLetterQueueUrl ?? '(the DeadLetterQueueUrl output of this subscription)';
  const message = [
    'Some Security Hub notifications of this subscription could not be delivered.',
    '',
    `They are kept for 14 days in the dead-letter queue ${queue}: each message holds the finding that`,
    'could not be e-mailed (or the event that could not be handled) and the error.',
    '',
    'To look at them:',
    `  aws sqs receive-message --region ${alarm.region || '<region>'} --queue-url ${queue} --max-number-of-messages 10 --message-attribute-names All`,
    '',
    `Alarm: ${alarm.alarmName || alarm.alarmArn}`,
    `Reason: ${alarm.reason || '(none given)'}`,
    '',
    'This e-mail is sent once each time the alarm goes into ALARM; it does not repeat while messages wait.',
  ].join('\n');
  return {
    subject: fitSubject('Security Hub notifications could not be delivered (kept in the dead-letter queue)'),
    message,
  };
}
