using System.Diagnostics;
using Terminal.Gui.App;

namespace LlamaJump.Tui.Chat;

/// <summary>
/// How the chat reaches its UI thread. <see cref="Post"/> may be called from any thread: it queues
/// <paramref name="action"/> to run on the UI thread soon, in the order posted, and returns at once.
/// <see cref="Every"/> is called on the UI thread: it runs <c>tick</c> there, first after one <c>interval</c>, then
/// again and again, never sooner than <c>interval</c> after the last run (the UI may wait longer, see
/// <see cref="FramePacing"/>), until <c>tick</c> returns false. <see cref="Draw"/>, on the UI thread, lays out and draws
/// what changed at once instead of at the UI loop's next frame.
/// </summary>
public interface IChatUi
{
    void Post(Action action);

    void Every(TimeSpan interval, Func<bool> tick);

    void Draw();
}

/// <summary>The chat's UI thread in a Terminal.Gui application: its main loop's invoke queue, and timeouts for ticks.
/// A tick is a frame: right after it the app lays out and draws what it changed, and the time both took paces the
/// next tick (<see cref="FramePacing"/>) — the first tick of the next ticker too, so a reply's first frame is paced by
/// the last reply's frames.</summary>
public sealed class TerminalChatUi(IApplication app) : IChatUi
{
    private TimeSpan _lastFrame;

    public void Post(Action action) => app.Invoke(action);

    public void Draw() => app.LayoutAndDraw();

    public void Every(TimeSpan interval, Func<bool> tick) => Schedule(FramePacing.Next(interval, _lastFrame), interval, tick);

    private void Schedule(TimeSpan delay, TimeSpan interval, Func<bool> tick) => app.AddTimeout(delay, () =>
    {
        long start = Stopwatch.GetTimestamp();
        bool again = tick();
        app.LayoutAndDraw();
        _lastFrame = Stopwatch.GetElapsedTime(start);
        if (again)
        {
            Schedule(FramePacing.Next(interval, _lastFrame), interval, tick);
        }
        return false;
    });
}
