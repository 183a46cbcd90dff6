using System.IO;
using System.Threading;
using CoupleGen.Extensions.DependencyInjection;
using CoupleGen.Generation;
using CoupleGen.Training;
using CoupleGen.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Services.Configure<WebOptions>(builder.Configuration.GetSection(WebOptions.SectionName));
builder.Services.AddSingleton<ModelSource>();
builder.Services.AddPartnerGenerator(builder.Configuration.GetSection(PartnerGeneratorServiceOptions.SectionName));

// Settings are read when the host starts, after every configuration source (and a test's) is in.
builder.Services.AddOptions<PartnerGeneratorServiceOptions>()
    .Configure<ModelSource, IHostEnvironment, IOptions<WebOptions>, ILoggerFactory>((model, source, environment, web, logs) =>
    {
        // The page replaces photo backgrounds with the training red unless configured otherwise.
        model.Background = builder.Configuration[$"{PartnerGeneratorServiceOptions.SectionName}:Background"] is null ? CoupleGen.Faces.FramingBackground.Replace : model.Background;
        if (string.IsNullOrWhiteSpace(model.Checkpoint))
        {
            string folder = Path.Combine(environment.ContentRootPath, web.Value.DemoModelFolder);
            model.Checkpoint = DemoModel.EnsureTrained(folder, web.Value.DemoSteps, logs.CreateLogger("CoupleGen.Web"));
            source.IsDemo = true;
        }
    });
builder.Services.AddHealthChecks().AddPartnerGenerator();
builder.Services.AddProblemDetails();
builder.Services.AddSingleton<GenerationWorkers>();
builder.Services.AddOptions<FormOptions>().Configure<IOptions<WebOptions>>((form, web) => form.MultipartBodyLengthLimit = web.Value.MaxUploadBytes);
builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<WebOptions>>((kestrel, web) => kestrel.Limits.MaxRequestBodySize = web.Value.MaxUploadBytes);

WebApplication app = builder.Build();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapHealthChecks("/healthz");
app.MapGet("/api/info", (IPartnerGenerator generator, ModelSource source, IOptions<PartnerGeneratorServiceOptions> model, IOptions<WebOptions> web) => Results.Ok(new
{
    demoModel = source.IsDemo,
    imageSize = generator.ImageSize,
    sexControl = generator.HasSexControl,
    inputOnRight = generator is PartnerGenerator { Direction: PairDirection.BToA },
    maxUploadBytes = web.Value.MaxUploadBytes,
    model = Path.GetFileName(model.Value.Checkpoint),
}));
app.MapPost("/api/partner", (HttpRequest request, IPartnerGenerator generator, GenerationWorkers workers, CancellationToken aborted) =>
    Photos.Handle(request, generator, workers, Photos.WritePartner, "partner.png", aborted)).DisableAntiforgery();
app.MapPost("/api/portrait", (HttpRequest request, IPartnerGenerator generator, GenerationWorkers workers, CancellationToken aborted) =>
    Photos.Handle(request, generator, workers, Photos.WriteCouple, "couple.png", aborted)).DisableAntiforgery();
app.Run();

/// <summary>The app, for tests (<c>WebApplicationFactory&lt;Program&gt;</c>).</summary>
public partial class Program
{
}
