// catalog: Spring Boot service built with Gradle (Kotlin DSL); the Dockerfile builds with
// Gradle 9.8.0. Versions: the Spring Boot plugin's dependency management pins
// every library; `gradle dependencies --write-locks` records the resolved graph in
// gradle.lockfile (commit it), and from then on a build that would resolve differently fails.
plugins {
    java
    id("org.springframework.boot") version "4.1.1"
    id("io.spring.dependency-management") version "1.1.7"
}

group = "com.example"
version = "0.1.0"

java {
    toolchain {
        languageVersion = JavaLanguageVersion.of(21)
    }
}

repositories {
    mavenCentral()
}

dependencyLocking {
    lockAllConfigurations()
}

dependencies {
    implementation("org.springframework.boot:spring-boot-starter-webmvc")
    // Restarts the app when its classes change (the dev container recompiles on sync).
    // Never packaged: bootJar leaves developmentOnly out.
    developmentOnly("org.springframework.boot:spring-boot-devtools")
    testImplementation("org.springframework.boot:spring-boot-starter-test") {
        // The tests use fakes, not mocks: no Mockito, and no agent loaded at test time.
        exclude(group = "org.mockito")
    }
    testRuntimeOnly("org.junit.platform:junit-platform-launcher")
}

tasks.test {
    useJUnitPlatform()
}

// The dev container runs `gradle bootRun -PdebugPort=5005`: a debugger can attach.
tasks.bootRun {
    findProperty("debugPort")?.let { port ->
        jvmArgs("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:$port")
    }
}

// Byte-for-byte repeatable jars.
tasks.withType<AbstractArchiveTask>().configureEach {
    isPreserveFileTimestamps = false
    isReproducibleFileOrder = true
}
