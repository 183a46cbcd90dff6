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
/// Packs CoupleGen with CoupleGen.nuspec, restores it from a local folder feed into a fresh console
/// app whose Program.cs is README.md's quick-start snippet, and runs it: the package, its
/// buildTransitive load fix and the README example are all checked the way a user meets them.
/// </summary>
public class PackageConsumerTests
{
    [Fact]
    public void PackedPackageWorksInAFreshConsumerApp()
    {
        string repo = TestData.RepositoryRoot();
        string work = TestData.NewFolder();
        string feed = Path.Combine(work, "feed");
        string app = Path.Combine(work, "app");
        Directory.CreateDirectory(app);
        string version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";

        Run(repo, "dotnet", $"pack src/CoupleGen/CoupleGen.csproj -c Release -o \"{feed}\" -p:Version={version}");
        string package = Path.Combine(feed, $"CoupleGen.{version}.nupkg");
        CheckPackageMatchesNuspec(repo, package, version);

        File.Copy(Path.Combine(repo, "tests", "PackageConsumer", "PackageConsumer.csproj"), Path.Combine(app, "PackageConsumer.csproj"));
        File.WriteAllText(Path.Combine(app, "Program.cs"), ReadmeQuickStart(repo));
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

        try
        {
            Run(app, "dotnet", $"run -c Release -p:CoupleGenVersion={version}");
            using var partner = Image.Load<Rgb24>(Path.Combine(app, "partner.png"));
            Assert.Equal(new Size(32, 32), partner.Size());
        }
        finally
        {
            string cached = Path.Combine(NuGetPackagesFolder(), "couplegen", version);
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
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(8)), $"{program} {arguments} timed out");
        Assert.True(process.ExitCode == 0, $"{program} {arguments} failed with {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
    }

    private static string NuGetPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
