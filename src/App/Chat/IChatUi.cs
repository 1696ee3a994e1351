namespace LlamaJump.App.Chat;

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
