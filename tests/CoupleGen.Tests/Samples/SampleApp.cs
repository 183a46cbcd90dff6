using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace CoupleGen.Tests.Samples;

/// <summary>Runs the sample console app (copied beside the tests) as a user does.</summary>
internal static class SampleApp
{
    private static readonly string Demo = Path.Combine(AppContext.BaseDirectory, "CoupleGen.Demo.dll");

    public static (int Code, string Output, string Error) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Demo);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the sample app did not finish");
        return (process.ExitCode, output.Result, error.Result);
    }
}
