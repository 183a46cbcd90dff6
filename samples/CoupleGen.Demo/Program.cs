using System;
using System.Threading;
using CoupleGen.Demo;
using CoupleGen.Errors;

// couplegen [demo|train|generate|evaluate|portrait|split-couples|measure-framing] [options]; see Usage.Text.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    var arguments = new Arguments(args);
    return arguments.Command switch
    {
        "demo" => DemoCommand.Run(arguments, cancel.Token),
        "train" => TrainCommand.Run(arguments, cancel.Token),
        "generate" => GenerateCommand.Run(arguments),
        "evaluate" => EvaluateCommand.Run(arguments),
        "portrait" => PortraitCommand.Run(arguments),
        "export" => ExportCommand.Run(arguments),
        "split-couples" => SplitCouplesCommand.Run(arguments),
        "measure-framing" => MeasureFramingCommand.Run(arguments),
        "help" or "--help" or "-h" => Usage.Print(Console.Out),
        _ => throw new UsageException($"Unknown command '{arguments.Command}'."),
    };
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Usage.Print(Console.Error);
    return 2;
}
catch (ArgumentException ex)
{
    // An option the library rejected (e.g. --partner-sex for a model without sex control): the message names it.
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}
catch (CoupleGenException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("cancelled; the last checkpoint can be resumed with --resume.");
    return 130;
}
catch (Exception ex)
{
    return Failures.Report(ex, Console.Error);
}
