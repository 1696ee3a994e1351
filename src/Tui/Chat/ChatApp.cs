using LlamaJump.App.Chat;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;

namespace LlamaJump.Tui.Chat;

/// <summary>
/// Runs the chat in the terminal until the user quits: one Terminal.Gui application (no statics) showing a
/// <see cref="ChatScreen"/>, and a SIGINT handler that stops a running reply instead of ending the process. Owns
/// <paramref name="model"/> from the call on and frees it on the way out.
/// </summary>
public static class ChatApp
{
    public static void Run(IChatModel model, IChatModelLoader loader, ModelCatalog catalog, ChatOptions options)
    {
        using IApplication app = Application.Create();
        app.Init(DriverRegistry.Names.ANSI);
        using var screen = new ChatScreen(app, model, loader, catalog, options);
        ConsoleCancelEventHandler onInterrupt = (_, e) =>
        {
            e.Cancel = true;
            app.Invoke(() => screen.Controller.Stop());
        };
        Console.CancelKeyPress += onInterrupt;
        try
        {
            app.Run(screen.Window);
        }
        finally
        {
            Console.CancelKeyPress -= onInterrupt;
        }
    }
}
