using System.Runtime.InteropServices;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddRazorPages();
builder.Services.AddHealthChecks();
builder.Services.AddDbContext<VisitsContext>(o => o.UseNpgsql(builder.Configuration.GetConnectionString("Default")));

var app = builder.Build();

app.MapHealthChecks("/healthz");

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error");
}

app.UseStaticFiles();
app.UseRouting();
app.MapRazorPages();

app.MapGet("/environment", () => new
{
    RuntimeInformation.FrameworkDescription,
    RuntimeInformation.OSDescription,
    ProcessorCount = Environment.ProcessorCount,
    MemoryLimit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
    User = Environment.UserName,
});

app.MapPost("/visits", async (VisitsContext db) =>
{
    db.Visits.Add(new Visit { At = DateTime.UtcNow });
    await db.SaveChangesAsync();
    return await db.Visits.CountAsync();
});

app.Run();

class Visit
{
    public int Id { get; set; }
    public DateTime At { get; set; }
}

class VisitsContext(DbContextOptions<VisitsContext> options) : DbContext(options)
{
    public DbSet<Visit> Visits => Set<Visit>();
}
