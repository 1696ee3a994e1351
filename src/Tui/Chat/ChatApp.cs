using LlamaJump.Tui.Chat.Views;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;

namespace LlamaJump.Tui.Chat;

/// <summary>
/// Runs the chat in the terminal until the user quits: one Terminal.Gui application (no statics), the controller
/// posting its updates with <see cref="IApplication.Invoke(Action)"/>, and a SIGINT handler that stops a running reply
/// instead of ending the process. Owns <paramref name="model"/> from the call on and frees it on the way out.
/// </summary>
public static class ChatApp
{
    public static void Run(IChatModel model, IChatModelLoader loader, ModelCatalog catalog, ChatOptions options)
    {
        using IApplication app = Application.Create();
        app.Init(DriverRegistry.Names.ANSI);
        using var chat = new ChatController(model, loader, options, action => app.Invoke(action));
        using var window = new ChatWindow(app, chat, catalog);
        ConsoleCancelEventHandler onInterrupt = (_, e) =>
        {
            e.Cancel = true;
            app.Invoke(() => chat.Stop());
        };
        Console.CancelKeyPress += onInterrupt;
        try
        {
            window.Input.SetFocus();
            app.Run(window);
        }
        finally
        {
            Console.CancelKeyPress -= onInterrupt;
        }
    }
}
