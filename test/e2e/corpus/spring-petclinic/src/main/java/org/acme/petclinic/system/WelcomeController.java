package org.acme.petclinic.system;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class WelcomeController {

	@GetMapping("/")
	Map<String, String> welcome() {
		return Map.of("message", "Welcome to the pet clinic");
	}

}
