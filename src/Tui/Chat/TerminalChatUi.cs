using System.Diagnostics;
using LlamaJump.App.Chat;
using Terminal.Gui.App;

namespace LlamaJump.Tui.Chat;

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
