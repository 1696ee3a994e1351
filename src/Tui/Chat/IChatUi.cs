using Terminal.Gui.App;

namespace LlamaJump.Tui.Chat;

/// <summary>
/// How the chat reaches its UI thread. <see cref="Post"/> may be called from any thread: it queues
/// <paramref name="action"/> to run on the UI thread soon, in the order posted, and returns at once.
/// <see cref="Every"/> is called on the UI thread: it runs <c>tick</c> there, first after one
/// <c>interval</c>, then again every interval (as the UI loop gets to it) until <c>tick</c> returns false.
/// </summary>
public interface IChatUi
{
    void Post(Action action);

    void Every(TimeSpan interval, Func<bool> tick);
}

/// <summary>The chat's UI thread in a Terminal.Gui application: its main loop's invoke queue and timeouts.</summary>
public sealed class TerminalChatUi(IApplication app) : IChatUi
{
    public void Post(Action action) => app.Invoke(action);

    public void Every(TimeSpan interval, Func<bool> tick) => app.AddTimeout(interval, tick);
}
