package org.acme.petclinic;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(properties = { "database=h2", "spring.datasource.url=jdbc:h2:mem:petclinic" })
class PetClinicApplicationTests {

	@Test
	void contextLoads() {
	}

}
