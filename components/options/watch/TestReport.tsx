import { countText } from '../../../lib/format/count';
import type { WatchTestReport } from '../../../lib/watch/model';

/** What a rule's "Test" found on each instance: the baseline it would set and what it would notify. */
export function TestReport({ report }: { report: WatchTestReport | { error: string } }) {
  if ('error' in report) return <p class="status-error">{report.error}</p>;
  if (report.instances.length === 0) return <p>None of this rule's MISP instances is configured any more.</p>;
  return (
    <>
      {report.instances.map((instance) => (
        <div key={instance.name}>
          {report.instances.length > 1 && <h4>{instance.name}</h4>}
          {instance.error ? (
            <p class="status-error">{instance.error}</p>
          ) : (
            <>
              {instance.baselined.length > 0 && (
                <p>
                  First check for {instance.baselined.join(', ')}: {countText(instance.absorbed, 'event')}{' '}
                  from before you started watching will not be notified.
                </p>
              )}
              {instance.wouldNotify.length === 0 ? (
                <p>Nothing new to notify.</p>
              ) : (
                <>
                  <p>Would notify {countText(instance.wouldNotify.length, 'alert')}:</p>
                  <ul aria-label="Would notify">
                    {instance.wouldNotify.map((alert, index) => (
                      <li key={`${alert.title}-${index}`}>
                        <strong>{alert.title}</strong> — {alert.message.split('\n').join(' — ')}
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </>
          )}
        </div>
      ))}
    </>
  );
}
