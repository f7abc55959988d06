package org.acme.petclinic.owner;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class OwnerController {

	private final OwnerRepository owners;

	OwnerController(OwnerRepository owners) {
		this.owners = owners;
	}

	@GetMapping("/owners")
	List<Owner> find(@RequestParam(defaultValue = "") String lastName) {
		return owners.findByLastNameStartingWith(lastName);
	}

}
