using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace CoupleGen.Tests.Samples;

/// <summary>Runs the sample console app (copied beside the tests) as a user does.</summary>
internal static class SampleApp
{
    // The sample's own build output, with its own dependencies: the tests' folder holds the web sample's ASP.NET Core
    // framework assemblies, which a console app cannot load. Same configuration and framework as the tests.
    internal static readonly string Demo = Path.Combine(
        TestData.RepositoryRoot(),
        "samples",
        "CoupleGen.Demo",
        Path.GetRelativePath(Path.Combine(TestData.RepositoryRoot(), "tests", "CoupleGen.Tests"), AppContext.BaseDirectory),
        "CoupleGen.Demo.dll");

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
