using System;
using System.Threading.Tasks;

namespace SqliteAdmin.Core;

/// <summary>Two steps at once: one on a worker, one on the calling thread (the two cores backups and restores use).</summary>
internal static class SideBySide
{
    /// <summary>
    /// Runs <paramref name="background"/> on a worker while <paramref name="foreground"/> runs here,
    /// and always waits for both, so no step outlives the caller (its cleanup may delete the files
    /// the other step reads). A failure of the foreground is reported first, then the background's.
    /// </summary>
    public static (TBackground Background, TForeground Foreground) Run<TBackground, TForeground>(Func<TBackground> background, Func<TForeground> foreground)
    {
        Task<TBackground> task = Task.Run(background);
        TForeground result;
        try
        {
            result = foreground();
        }
        finally
        {
            try
            {
                task.Wait();
            }
            catch (AggregateException)
            {
                // Observed below, unless the foreground's failure is already on its way.
            }
        }
        return (task.GetAwaiter().GetResult(), result);
    }
}
