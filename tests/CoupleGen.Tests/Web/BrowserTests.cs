extern alias web;

using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using CoupleGen.Tests.Faces;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;
using WebProgram = web::Program;

namespace CoupleGen.Tests.Web;

/// <summary>
/// The web sample's page in a real browser (Debian's Chromium, driven by Playwright) against the sample on Kestrel:
/// a person chooses a photo, asks for a partner, and gets the three pictures with their download links.
/// </summary>
[Trait("Category", "Integration")]
[Collection(nameof(WebSampleTests))]
public sealed class BrowserTests
{
    /// <summary>Debian's Chromium (apt install chromium; .ci/run installs it).</summary>
    private const string Chromium = "/usr/bin/chromium";

    [SkippableFact]
    public async Task APersonChoosesAPhotoAndGetsTheirPartnerAndTheCouple()
    {
        Skip.IfNot(File.Exists(Chromium), $"{Chromium} is missing: apt install chromium (.ci/run does).");
        string checkpoint = Path.Combine(TestData.NewFolder(), "couplegen.ckpt");
        TestData.SaveTinyCheckpoint(checkpoint);
        using var factory = new WebApplicationFactory<WebProgram>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("CoupleGen:Checkpoint", checkpoint);
            builder.UseSetting("CoupleGen:Precision", "Fp32");
        });
        factory.UseKestrel(0);
        factory.StartServer();
        string address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        await page.GotoAsync(address);
        await Assertions.Expect(page.Locator("#go")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#demo")).ToBeHiddenAsync();

        await page.Locator("#file").SetInputFilesAsync(Fixtures.PathOf(FaceImages.Astronaut));
        await Assertions.Expect(page.Locator("#go")).ToBeEnabledAsync();
        await page.Locator("#go").ClickAsync();

        await Assertions.Expect(page.Locator("#results")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 60_000 });
        Assert.Equal(1024, await page.EvalOnSelectorAsync<int>("#coupleImage", "image => image.naturalWidth"));
        Assert.Equal(512, await page.EvalOnSelectorAsync<int>("#partner", "image => image.naturalWidth"));
        Assert.StartsWith("data:image/png", await page.Locator("#partnerLink").GetAttributeAsync("href"), StringComparison.Ordinal);
        Assert.StartsWith("blob:", await page.Locator("#coupleLink").GetAttributeAsync("href"), StringComparison.Ordinal);
        Assert.True(await page.Locator("#error").IsHiddenAsync());
        using (var framed = Decode(await page.Locator("#framed").GetAttributeAsync("src")))
        using (var partner = Decode(await page.Locator("#partner").GetAttributeAsync("src")))
        {
            Assert.True(CoupleGen.Evaluation.ImageMetrics.L1(framed, partner) > 0.05, "the partner is the framed input");
        }

        string screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "web-page.png"), FullPage = true });

        // A photo without a face: the page shows the server's reason.
        string noFace = Path.Combine(TestData.NewFolder(), "wall.png");
        using (var gradient = FaceImages.NoFace())
        {
            await SixLabors.ImageSharp.ImageExtensions.SaveAsPngAsync(gradient, noFace);
        }

        await page.Locator("#file").SetInputFilesAsync(noFace);
        await page.Locator("#go").ClickAsync();
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("No face found", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
    }

    private static SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24> Decode(string? dataUrl)
    {
        Assert.NotNull(dataUrl);
        Assert.StartsWith("data:image/png;base64,", dataUrl, StringComparison.Ordinal);
        return SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(Convert.FromBase64String(dataUrl["data:image/png;base64,".Length..]));
    }
}
