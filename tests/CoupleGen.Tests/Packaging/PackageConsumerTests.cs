using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CoupleGen.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace CoupleGen.Tests.Packaging;

/// <summary>
/// Packs CoupleGen with CoupleGen.nuspec (and the DI package), restores them from a local folder feed into
/// fresh apps (README.md's quick-start snippet; a generic host with README's DI lines) and runs them: the
/// packages, the buildTransitive load fix and the README examples are checked the way a user meets them.
/// </summary>
[Trait("Category", "Integration")]
public class PackageConsumerTests
{
    [Fact]
    public void PackedPackageWorksInAFreshConsumerApp()
    {
        string repo = TestData.RepositoryRoot();
        string version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        string app = ConsumerApp(repo, "PackageConsumer", ReadmeQuickStart(repo), version, "src/CoupleGen/CoupleGen.csproj");
        CheckPackageMatchesNuspec(repo, Path.Combine(app, "..", "feed", $"CoupleGen.{version}.nupkg"), version);
        try
        {
            Run(app, "dotnet", $"run -c Release -p:CoupleGenVersion={version}");
            using var partner = Image.Load<Rgb24>(Path.Combine(app, "partner.png"));
            Assert.Equal(new Size(32, 32), partner.Size());
        }
        finally
        {
            RemoveFromCache(version, "couplegen");
        }
    }

    [Fact]
    public void DependencyInjectionPackageStartsAHostFromConfiguration()
    {
        string repo = TestData.RepositoryRoot();
        string version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        string program = File.ReadAllText(Path.Combine(repo, "tests", "DependencyInjectionConsumer", "Program.cs"));
        string app = ConsumerApp(repo, "DependencyInjectionConsumer", program, version, "src/CoupleGen/CoupleGen.csproj", "src/CoupleGen.Extensions.DependencyInjection/CoupleGen.Extensions.DependencyInjection.csproj");
        try
        {
            var (exitCode, output) = Run(app, "dotnet", $"run -c Release -p:CoupleGenVersion={version}", ("CoupleGen__Checkpoint", "couplegen.ckpt"));
            Assert.True(exitCode == 0, output);
            Assert.Contains("health: Healthy", output, StringComparison.Ordinal);
            using (var partner = Image.Load<Rgb24>(Path.Combine(app, "partner.png")))
            {
                Assert.Equal(new Size(32, 32), partner.Size());
            }

            // A configured model that is missing stops the host's start with the path, before any request.
            (exitCode, output) = Run(app, "dotnet", $"run -c Release --no-build -p:CoupleGenVersion={version}", ("CoupleGen__Checkpoint", "missing.ckpt"));
            Assert.NotEqual(0, exitCode);
            Assert.Contains("missing.ckpt", output, StringComparison.Ordinal);
            Assert.DoesNotContain("health:", output, StringComparison.Ordinal);
        }
        finally
        {
            RemoveFromCache(version, "couplegen", "couplegen.extensions.dependencyinjection");
        }
    }

    /// <summary>Packs <paramref name="projects"/> into a local feed and writes a consumer app beside it (its csproj from tests/<paramref name="name"/>) with a tiny checkpoint and a photo.</summary>
    private static string ConsumerApp(string repo, string name, string program, string version, params string[] projects)
    {
        string work = TestData.NewFolder();
        string feed = Path.Combine(work, "feed");
        string app = Path.Combine(work, "app");
        Directory.CreateDirectory(app);
        foreach (string project in projects)
        {
            Run(repo, "dotnet", $"pack {project} -c Release -o \"{feed}\" -p:Version={version}");
        }

        File.Copy(Path.Combine(repo, "tests", name, name + ".csproj"), Path.Combine(app, name + ".csproj"));
        File.WriteAllText(Path.Combine(app, "Program.cs"), program);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="couplegen-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        using (var trainer = new Pix2PixTrainer(TestData.TinyOptions()))
        {
            trainer.SaveCheckpoint(Path.Combine(app, "couplegen.ckpt"));
        }

        using (var me = new Image<Rgb24>(48, 40, new Rgb24(210, 60, 50)))
        {
            me.SaveAsJpeg(Path.Combine(app, "me.jpg"));
        }

        return app;
    }

    private static void RemoveFromCache(string version, params string[] ids)
    {
        foreach (string id in ids)
        {
            string cached = Path.Combine(NuGetPackagesFolder(), id, version);
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }
    }

    private static void CheckPackageMatchesNuspec(string repo, string package, string version)
    {
        XNamespace ns = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";
        XElement source = XDocument.Load(Path.Combine(repo, "CoupleGen.nuspec")).Root!.Element(ns + "metadata")!;
        using var zip = ZipFile.OpenRead(package);
        using var stream = zip.GetEntry("CoupleGen.nuspec")!.Open();
        XElement packed = XDocument.Load(stream).Root!.Elements().First(e => e.Name.LocalName == "metadata");
        string Value(XElement metadata, string name) => metadata.Elements().First(e => e.Name.LocalName == name).Value;
        Assert.Equal(version, Value(packed, "version"));
        foreach (string field in new[] { "id", "authors", "description", "license" })
        {
            Assert.Equal(Value(source, field), Value(packed, field));
        }

        var dependencies = packed.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => $"{e.Attribute("id")!.Value} {e.Attribute("version")!.Value}").Order().ToList();
        var declared = source.Descendants(ns + "dependency").Select(e => $"{e.Attribute("id")!.Value} {e.Attribute("version")!.Value}").Order().ToList();
        Assert.Equal(declared, dependencies);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("lib/net8.0/CoupleGen.dll", entries);
        Assert.Contains("lib/net8.0/CoupleGen.xml", entries);
        Assert.Contains("buildTransitive/CoupleGen.targets", entries);
        Assert.Contains("buildTransitive/RelaxElfVersionNeed.cs", entries);
        Assert.Contains("THIRD-PARTY-NOTICES.md", entries);
    }

    /// <summary>The first csharp block after the "quick-start" marker in README.md.</summary>
    private static string ReadmeQuickStart(string repo)
    {
        string readme = File.ReadAllText(Path.Combine(repo, "README.md"));
        Match match = Regex.Match(readme, "<!-- quick-start -->\\s*```csharp\\n(?<code>.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, "README.md has no quick-start csharp block after <!-- quick-start -->");
        return match.Groups["code"].Value;
    }

    private static void Run(string directory, string program, string arguments)
    {
        var (exitCode, output) = Run(directory, program, arguments, environment: Array.Empty<(string, string)>());
        Assert.True(exitCode == 0, $"{program} {arguments} failed with {exitCode}:\n{output}");
    }

    private static (int ExitCode, string Output) Run(string directory, string program, string arguments, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(8)), $"{program} {arguments} timed out");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string NuGetPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
