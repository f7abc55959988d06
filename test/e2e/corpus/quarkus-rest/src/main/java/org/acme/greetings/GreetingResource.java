package org.acme.greetings;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

@Path("/greetings")
@Produces(MediaType.APPLICATION_JSON)
public class GreetingResource {

    private final ValueCommands<String, Long> counters;

    public GreetingResource(RedisDataSource redis) {
        this.counters = redis.value(Long.class);
    }

    @GET
    @Path("/{name}")
    public Greeting hello(@PathParam("name") String name) {
        return new Greeting("Hello " + name);
    }

    @POST
    @Path("/{name}/count")
    public long count(@PathParam("name") String name) {
        return counters.incr("greetings:" + name);
    }

    public record Greeting(String message) {
    }
}
