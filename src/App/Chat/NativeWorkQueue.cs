using System.Collections.Concurrent;

namespace LlamaJump.App.Chat;

/// <summary>
/// One background thread that runs the chat's native work (loading, generating, inspecting, unloading) in the order
/// it was queued, so the UI thread never waits on llama.cpp and no two native calls on a model overlap. A work item
/// that throws is reported to <paramref name="onError"/> (on this thread) and the queue goes on. Dispose waits for
/// the queued work to finish.
/// </summary>
public sealed class NativeWorkQueue : IDisposable
{
    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread _thread;
    private readonly Action<Exception> _onError;
    private int _pending;

    public NativeWorkQueue(Action<Exception> onError)
    {
        _onError = onError;
        _thread = new Thread(Loop) { IsBackground = true, Name = "llamajump chat worker" };
        _thread.Start();
    }

    /// <summary>Work queued or running.</summary>
    public int Pending => Volatile.Read(ref _pending);

    public void Enqueue(Action work)
    {
        Interlocked.Increment(ref _pending);
        _work.Add(work);
    }

    private void Loop()
    {
        foreach (var work in _work.GetConsumingEnumerable())
        {
            try
            {
                work();
            }
            catch (Exception e)
            {
                _onError(e);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join();
        _work.Dispose();
    }
}
