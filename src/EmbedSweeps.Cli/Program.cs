using System.CommandLine;
using EmbedSweeps.Cli;
using EmbedSweeps.Cli.Commands;

var root = new RootCommand("EmbedSweeps: fine-tune and evaluate sentence-embedding models, and sweep their hyperparameters.")
{
    EncodeCommand.Create(),
    EvalCommand.Create(),
    BenchCommand.Create(),
    ExportCommand.Create(),
};
return CommandLine.Run(root, args);
