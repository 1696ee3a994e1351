using LlamaJump.Tui.Cli;

return CliApp.Run(args, Console.Out, Console.Error);
